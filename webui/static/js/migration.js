/* The migration page: while a run is in progress, post for its next chunk after a short pause (the page shows
 * the progress each time); the Continue button does the same by hand. No inline script: CSP. */
(function () {
  'use strict';
  var form = document.getElementById('migration-continue');
  if (form && form.dataset.autoContinue) {
    window.setTimeout(function () { form.submit(); }, 600);
  }
})();

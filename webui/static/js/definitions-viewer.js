/* A version's page: its process diagram (bpmn-js NavigatedViewer) and its DMN tables (dmn-js viewer).
 * The files come from the version's download links named in data- attributes (no inline script: CSP). */
(function () {
  'use strict';

  function fetchText(url) {
    return fetch(url, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      return response.text();
    });
  }

  function drawDiagram() {
    var box = document.getElementById('definition-diagram');
    var status = document.getElementById('definition-diagram-status');
    if (!box || !window.BpmnJS) {
      return;
    }
    var viewer = new window.BpmnJS({ container: box });
    fetchText(box.dataset.url)
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        viewer.get('canvas').zoom('fit-viewport', 'auto');
        box.setAttribute('data-drawn', 'true');
      })
      .catch(function () { status.textContent = box.dataset.failed; });
  }

  /* Show every decision table of a DMN file, one under the other (a viewer per table). */
  function drawTables(box) {
    fetchText(box.dataset.dmnUrl).then(function (xml) {
      var probe = new window.DmnJS({ container: document.createElement('div') });
      return probe.importXML(xml).then(function () {
        var tables = probe.getViews().filter(function (view) { return view.type === 'decisionTable'; });
        probe.destroy();
        return Promise.all(tables.map(function (view) {
          var holder = document.createElement('div');
          holder.className = 'dmn-table mb-3';
          box.appendChild(holder);
          var viewer = new window.DmnJS({ container: holder });
          return viewer.importXML(xml).then(function () {
            var own = viewer.getViews().filter(function (v) { return v.element.id === view.element.id; })[0];
            return viewer.open(own);
          });
        }));
      });
    }).then(function () {
      box.setAttribute('data-drawn', 'true');
    }).catch(function () {
      box.textContent = box.dataset.failed;
    });
  }

  drawDiagram();
  if (window.DmnJS) {
    Array.prototype.forEach.call(document.querySelectorAll('[data-dmn-url]'), drawTables);
  }
}());

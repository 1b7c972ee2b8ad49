/* The diff page: both versions drawn with the bpmn-js NavigatedViewer, changed elements marked by class and badge.
 * The old version marks what was removed or changed, the new one what was added or changed.
 * Everything comes from the containers' data- attributes (no inline script: CSP). */
(function () {
  'use strict';

  var SYMBOLS = { added: '+', removed: '\u2212', changed: '~' };
  var SHOWN = { old: ['removed', 'changed'], new: ['added', 'changed'] };
  var status = document.getElementById('diff-status');
  var MIN_READABLE_ZOOM = 0.55;
  var READABLE_ZOOM = 0.8;

  /* Where fitting the whole diagram makes it too small to read (a phone), centre the first marked element. */
  function focus(viewer, ids) {
    var canvas = viewer.get('canvas');
    if (canvas.zoom() >= MIN_READABLE_ZOOM || !ids.length) { return; }
    var element = viewer.get('elementRegistry').get(ids[0]);
    var view = canvas.viewbox();
    var width = view.outer.width / READABLE_ZOOM;
    var height = view.outer.height / READABLE_ZOOM;
    var x = element.waypoints ? element.waypoints[0].x : element.x + element.width / 2;
    var y = element.waypoints ? element.waypoints[0].y : element.y + element.height / 2;
    canvas.viewbox({ x: x - width / 2, y: y - height / 2, width: width, height: height });
  }

  function badge(box, kind) {
    var element = document.createElement('span');
    element.className = 'diff-badge diff-' + kind;
    element.textContent = SYMBOLS[kind];
    element.title = box.dataset['label' + kind.charAt(0).toUpperCase() + kind.slice(1)] || kind;
    return element;
  }

  function draw(box) {
    var viewer = new window.BpmnJS({ container: box });
    var marks = JSON.parse(box.dataset.marks || '{}');
    var xml = box.dataset.xml !== undefined ? Promise.resolve(box.dataset.xml) :
      fetch(box.dataset.xmlUrl, { credentials: 'same-origin' }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      });
    return xml
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get('canvas');
        var overlays = viewer.get('overlays');
        var registry = viewer.get('elementRegistry');
        var shown = [];
        canvas.zoom('fit-viewport', 'auto');
        Object.keys(marks).forEach(function (id) {
          var kind = marks[id];
          var element = registry.get(id);
          if (!element || SHOWN[box.dataset.side].indexOf(kind) < 0) { return; }
          shown.push(id);
          canvas.addMarker(id, 'diff-' + kind);
          if (element.waypoints) { return; }  // a flow has no room for a badge; its outline says it
          overlays.add(id, 'diff', { position: { top: -10, right: 12 }, html: badge(box, kind) });
        });
        focus(viewer, shown);
      })
      .catch(function () {
        if (status) { status.textContent = box.dataset.failed; }
      });
  }

  if (!window.BpmnJS) { return; }
  Array.prototype.forEach.call(document.querySelectorAll('.diff-canvas'), draw);
})();

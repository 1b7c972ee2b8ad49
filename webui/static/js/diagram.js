/* The appraisal's process diagram: bpmn-js NavigatedViewer, element states as markers and badges.
 * Everything the script needs comes from the container's data- attributes (no inline script: CSP). */
(function () {
  'use strict';

  var box = document.getElementById('diagram');
  if (!box || !window.BpmnJS) {
    return;
  }
  var status = document.getElementById('diagram-status');
  var title = document.getElementById('diagram-title');
  var back = document.getElementById('diagram-back');
  var stages = document.getElementById('diagram-stages');
  var SYMBOLS = { completed: '\u2713', active: '\u25B6', waiting: '\u25F7', error: '!' };
  var viewer = new window.BpmnJS({ container: box });
  var MIN_READABLE_ZOOM = 0.55;
  var READABLE_ZOOM = 0.8;
  var WIDE_SCREEN = 700;
  var main = null;
  var processes = [];

  function stateName(state) {
    return box.dataset['state' + state.charAt(0).toUpperCase() + state.slice(1)] || state;
  }

  function badge(state) {
    var element = document.createElement('span');
    element.className = 'diagram-badge state-' + state;
    element.textContent = SYMBOLS[state] || '?';
    element.title = stateName(state);
    return element;
  }

  function calledProcess(element) {
    var bo = element.businessObject;
    if (element.type !== 'bpmn:CallActivity' || !bo || !bo.calledElement) {
      return null;
    }
    return processes.some(function (p) { return p.id === bo.calledElement; }) ? bo.calledElement : null;
  }

  function mark(states) {
    var canvas = viewer.get('canvas');
    var overlays = viewer.get('overlays');
    var registry = viewer.get('elementRegistry');
    Object.keys(states).forEach(function (id) {
      if (!registry.get(id)) {
        return;
      }
      canvas.addMarker(id, 'state-' + states[id]);
      overlays.add(id, 'state', { position: { top: -10, right: 12 }, html: badge(states[id]) });
    });
    registry.forEach(function (element) {
      if (calledProcess(element)) {
        canvas.addMarker(element.id, 'diagram-link');
      }
    });
  }

  /* Fit the diagram; where that makes it too small to read (a phone), zoom in on the current step. */
  function frame(states) {
    var canvas = viewer.get('canvas');
    canvas.zoom('fit-viewport', 'auto');
    if (canvas.zoom() >= MIN_READABLE_ZOOM || box.clientWidth >= WIDE_SCREEN) {
      return;
    }
    var ids = Object.keys(states);
    var focusId = ids.filter(function (id) { return states[id] === 'active' || states[id] === 'error'; })[0] ||
      ids[ids.length - 1];
    var focus = focusId ? viewer.get('elementRegistry').get(focusId) : null;
    var view = canvas.viewbox();
    var width = view.outer.width / READABLE_ZOOM;
    var height = view.outer.height / READABLE_ZOOM;
    var cx = focus ? focus.x + focus.width / 2 : view.inner.x + width / 2;
    var cy = focus ? focus.y + focus.height / 2 : view.inner.y + view.inner.height / 2;
    canvas.viewbox({ x: cx - width / 2, y: cy - height / 2, width: width, height: height });
  }

  function listStages(current) {
    if (!stages) {
      return;
    }
    stages.textContent = '';
    processes.forEach(function (process) {
      var id = process.id;
      var item = document.createElement('li');
      item.className = 'list-inline-item mb-1';
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'btn btn-sm ' + (id === current ? 'btn-primary' : 'btn-outline-primary');
      button.textContent = process.name + (process.reached ? '' : ' (' + box.dataset.notReached + ')');
      if (id === current) {
        button.setAttribute('aria-current', 'true');
      }
      button.addEventListener('click', function () { load(id); });
      item.appendChild(button);
      stages.appendChild(item);
    });
  }

  function load(processId) {
    status.textContent = box.dataset.loading;
    var url = box.dataset.stateUrl + (processId ? '?proses=' + encodeURIComponent(processId) : '');
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        main = data.main;
        processes = data.processes;
        return viewer.importXML(data.xml).then(function () {
          mark(data.states);
          frame(data.states);
          title.textContent = data.process_id === main ? box.dataset.mainTitle : data.name;
          back.hidden = data.process_id === main;
          box.setAttribute('data-process', data.process_id);
          box.setAttribute('data-drawn', 'true');
          listStages(data.process_id);
          status.textContent = '';
        });
      })
      .catch(function () {
        status.textContent = box.dataset.failed;
      });
  }

  viewer.on('element.click', function (event) {
    var called = calledProcess(event.element);
    if (called) {
      load(called);
    }
  });
  back.addEventListener('click', function () { load(null); });
  load(null);
}());

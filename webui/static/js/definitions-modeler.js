/* The process owner's modeler page: bpmn-js Modeler (bundled, window.KinerjaModeler) or the dmn-js Modeler,
 * "Simpan & periksa" posting the XML for the server's validation, problems listed and marked on the diagram,
 * Deploy enabled only for the XML that was checked. Texts come from data- attributes (no inline script: CSP). */
(function () {
  'use strict';

  var root = document.getElementById('modeler');
  if (!root) {
    return;
  }
  var status = document.getElementById('modeler-status');
  var list = document.getElementById('modeler-problems');
  var deployButton = document.getElementById('modeler-deploy');
  var form = document.getElementById('deploy-form');
  var fileField = document.getElementById('deploy-file');
  var xmlField = document.getElementById('deploy-xml');
  var kind = root.dataset.kind;
  var bpmn = null;
  var dmn = null;
  var marked = [];

  function say(text) {
    status.textContent = text;
  }

  function bpmnModeler() {
    if (!bpmn && window.KinerjaModeler) {
      bpmn = window.KinerjaModeler.create(document.getElementById('modeler-canvas'),
        document.getElementById('modeler-panel'));
      bpmn.on('commandStack.changed', changed);
      window.kinerjaModeler = bpmn; /* the browser tests drive the model through its API */
    }
    return bpmn;
  }

  function dmnModeler() {
    if (!dmn && window.DmnJS) {
      dmn = new window.DmnJS({ container: document.getElementById('modeler-dmn') });
      dmn.on('views.changed', function () {
        var viewer = dmn.getActiveViewer();
        if (viewer) {
          viewer.on('elements.changed', changed);
        }
      });
      window.kinerjaDmnModeler = dmn;
    }
    return dmn;
  }

  function current() {
    return kind === 'dmn' ? dmnModeler() : bpmnModeler();
  }

  /* An edit after a check: the checked XML is no longer what the diagram shows. */
  function changed() {
    if (!deployButton.disabled) {
      deployButton.disabled = true;
      say(root.dataset.changed);
    }
  }

  function open(xml, newKind) {
    kind = newKind;
    root.dataset.kind = kind;
    document.getElementById('modeler-bpmn').hidden = kind !== 'bpmn';
    document.getElementById('modeler-dmn').hidden = kind !== 'dmn';
    var modeler = current();
    if (!modeler) {
      say(root.dataset.failed); /* the bundle is missing: `make install` builds it */
      return Promise.resolve();
    }
    return modeler.importXML(xml).then(function () {
      if (kind === 'bpmn') {
        modeler.get('canvas').zoom('fit-viewport', 'auto');
      } else if (kind === 'dmn') {
        var table = modeler.getViews().filter(function (view) { return view.type === 'decisionTable'; })[0];
        if (table) {
          modeler.open(table);
        }
      }
      root.setAttribute('data-ready', 'true');
      markAll();
    }).catch(function () { say(root.dataset.failed); });
  }

  function clearMarks() {
    if (!bpmn) {
      return;
    }
    marked.forEach(function (id) {
      if (bpmn.get('elementRegistry').get(id)) {
        bpmn.get('canvas').removeMarker(id, 'has-problem');
      }
    });
    bpmn.get('overlays').remove({ type: 'problem' });
    marked = [];
  }

  /* Mark every element a listed problem names: outline and a "!" badge. */
  function markAll() {
    clearMarks();
    if (kind !== 'bpmn' || !bpmn) {
      return;
    }
    var registry = bpmn.get('elementRegistry');
    Array.prototype.forEach.call(list.querySelectorAll('[data-element-id]'), function (item) {
      var id = item.dataset.elementId;
      if (!id || !registry.get(id) || marked.indexOf(id) >= 0) {
        return;
      }
      marked.push(id);
      bpmn.get('canvas').addMarker(id, 'has-problem');
      var badge = document.createElement('span');
      badge.className = 'problem-badge';
      badge.textContent = '!';
      badge.title = item.textContent.trim();
      bpmn.get('overlays').add(id, 'problem', { position: { top: -10, left: -10 }, html: badge });
    });
  }

  function showOnDiagram(id) {
    if (bpmn && bpmn.get('elementRegistry').get(id)) {
      bpmn.get('selection').select(bpmn.get('elementRegistry').get(id));
      bpmn.get('canvas').scrollToElement(bpmn.get('elementRegistry').get(id));
    }
  }

  function listProblems(problems) {
    list.textContent = '';
    problems.forEach(function (problem) {
      var item = document.createElement('li');
      item.className = 'list-group-item list-group-item-danger';
      item.dataset.elementId = problem.element_id || '';
      var where = document.createElement('code');
      where.textContent = problem.file + (problem.line ? ':' + problem.line : '');
      item.appendChild(where);
      item.appendChild(document.createTextNode(' ' + problem.message + ' '));
      if (problem.element_id) {
        var link = document.createElement('button');
        link.type = 'button';
        link.className = 'btn btn-link btn-sm p-0 align-baseline';
        link.textContent = root.dataset.show + ' (' + problem.element_id + ')';
        link.addEventListener('click', function () { showOnDiagram(problem.element_id); });
        item.appendChild(link);
      }
      list.appendChild(item);
    });
    markAll();
  }

  function saveXml() {
    if (!current()) {
      return Promise.reject(new Error('no modeler'));
    }
    return current().saveXML({ format: true }).then(function (result) { return result.xml; });
  }

  function check() {
    say(root.dataset.checking);
    deployButton.disabled = true;
    saveXml().then(function (xml) {
      var body = new FormData(form);
      body.set('xml', xml);
      return fetch(root.dataset.checkUrl, {
        method: 'POST', body: body, credentials: 'same-origin', headers: { Accept: 'application/json' }
      }).then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.json();
      }).then(function (answer) {
        if (answer.refused) {
          listProblems([]);
          say(answer.refused);
        } else if (answer.ok) {
          listProblems([]);
          xmlField.value = xml;
          deployButton.disabled = false;
          say(root.dataset.noProblems);
        } else {
          listProblems(answer.problems);
          say(root.dataset.problemsFound + ' ' + answer.problems.length);
        }
        root.setAttribute('data-checked', answer.ok ? 'ok' : 'problems');
      });
    }).catch(function () { say(root.dataset.failed); });
  }

  function download() {
    saveXml().then(function (xml) {
      var link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
      link.download = fileField.value || (kind === 'dmn' ? 'decision.dmn' : 'diagram.bpmn');
      document.body.appendChild(link);
      link.click();
      link.remove();
    }).catch(function () { say(root.dataset.failed); });
  }

  document.getElementById('modeler-check').addEventListener('click', check);
  document.getElementById('modeler-download').addEventListener('click', download);
  var picker = document.getElementById('modeler-open');
  if (picker) {
    picker.addEventListener('change', function () {
      var file = picker.files[0];
      if (!file) {
        return;
      }
      file.text().then(function (xml) {
        fileField.value = file.name;
        document.getElementById('modeler-file').textContent = file.name;
        listProblems([]);
        deployButton.disabled = true;
        open(xml, /\.dmn$/i.test(file.name) ? 'dmn' : 'bpmn');
      });
    });
  }
  var source = document.getElementById('modeler-source').value;
  if (source.trim()) {
    open(source, kind);
  }
}());

/* The process owner's modeler, bundled by esbuild at set-up (`make install` → webui/static/build/modeler.js):
 * bpmn-js Modeler with the properties panel and the Camunda 7 moddle, exposed as window.KinerjaModeler. */
import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule
} from 'bpmn-js-properties-panel';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';

/** Create a modeler drawing into `container` with its properties panel in `panel`. */
function createModeler(container, panel) {
  return new BpmnModeler({
    container: container,
    propertiesPanel: { parent: panel },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule
    ],
    moddleExtensions: { camunda: camundaModdle }
  });
}

window.KinerjaModeler = { create: createModeler };

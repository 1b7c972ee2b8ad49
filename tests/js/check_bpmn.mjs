// Import each BPMN file given on the command line as bpmn-js does (bpmn-moddle with the Camunda
// extension) and print one JSON report per file on stdout, one per line:
//   {"file": ..., "warnings": [...], "missingDi": [...]}
// warnings: the import warnings of bpmn-moddle (unknown elements or attributes, unresolved references,
// parse errors) plus the DI problems the bpmn-js importer warns about (a shape or edge without a model
// element, an element with more than one shape or edge). missingDi: the flow elements, lanes and
// participants without a BPMNShape/BPMNEdge in any BPMNDiagram (bpmn-js would not draw them).
// Exit status: 0 when every file is clean, 1 when any file has a warning or missing DI.
// Usage: node tests/js/check_bpmn.mjs bpmn/*.bpmn
import { readFile } from 'node:fs/promises';

import { BpmnModdle } from 'bpmn-moddle';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

// Flow elements that have no diagram element of their own in bpmn-js.
const WITHOUT_DI = new Set(['bpmn:DataObject']);

function describe(element) {
  return element.id ? `${element.$type}#${element.id}` : element.$type;
}

function modelElements(definitions) {
  const elements = [];
  const walkLanes = (laneSet) => {
    for (const lane of laneSet?.lanes || []) {
      elements.push(lane);
      walkLanes(lane.childLaneSet);
    }
  };
  const walkFlow = (container) => {
    for (const laneSet of container.laneSets || []) walkLanes(laneSet);
    for (const element of container.flowElements || []) {
      if (!WITHOUT_DI.has(element.$type)) elements.push(element);
      if (element.flowElements) walkFlow(element);
    }
    for (const artifact of container.artifacts || []) elements.push(artifact);
  };
  for (const root of definitions.rootElements || []) {
    if (root.$instanceOf('bpmn:Process')) walkFlow(root);
    if (root.$instanceOf('bpmn:Collaboration')) {
      for (const participant of root.participants || []) elements.push(participant);
      for (const flow of root.messageFlows || []) elements.push(flow);
      for (const artifact of root.artifacts || []) elements.push(artifact);
    }
  }
  return elements;
}

async function check(file) {
  const moddle = new BpmnModdle({ camunda: camundaModdle });
  const report = { file, warnings: [], missingDi: [] };
  let result;
  try {
    result = await moddle.fromXML(await readFile(file, 'utf8'), 'bpmn:Definitions');
  } catch (error) {
    report.warnings.push(`import failed: ${error.message}`);
    return report;
  }
  for (const warning of result.warnings) report.warnings.push(warning.message);
  const definitions = result.rootElement;

  const drawn = new Map();
  const diagrams = definitions.diagrams || [];
  if (!diagrams.length) report.warnings.push('no bpmndi:BPMNDiagram');
  for (const diagram of diagrams) {
    const plane = diagram.plane;
    if (!plane) {
      report.warnings.push(`diagram ${diagram.id} has no plane`);
      continue;
    }
    if (!plane.bpmnElement) report.warnings.push(`no bpmnElement referenced in ${describe(plane)}`);
    for (const di of plane.planeElement || []) {
      const element = di.bpmnElement;
      if (!element) {
        report.warnings.push(`no bpmnElement referenced in ${describe(di)}`);
        continue;
      }
      if (drawn.has(element)) report.warnings.push(`multiple DI elements defined for ${describe(element)}`);
      drawn.set(element, di);
    }
  }
  for (const element of modelElements(definitions)) {
    if (!drawn.has(element)) report.missingDi.push(describe(element));
  }
  return report;
}

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: node tests/js/check_bpmn.mjs FILE.bpmn...');
  process.exit(2);
}
let failed = false;
for (const file of files) {
  const report = await check(file);
  if (report.warnings.length || report.missingDi.length) failed = true;
  console.log(JSON.stringify(report));
}
process.exit(failed ? 1 : 0);

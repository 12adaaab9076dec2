/** The dependency graph (@xyflow/react): nodes are jobs, edges are dependsOn (solid) and
 * parent → sub-job (dashed). Laid out in layers by dependency depth. */
import { useMemo } from "react";
import {
  BaseEdge,
  Background,
  Controls,
  MarkerType,
  Position,
  ReactFlow,
  getBezierPath,
  type Edge,
  type EdgeProps,
  type Node,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import type { Job } from "../api/types";
import { cardColor } from "../state/format/colors";
import { EmptyState, Modal } from "../components/Modal";

interface Props {
  jobs: Job[];
  onClose: () => void;
  onOpenJob: (id: string) => void;
}

const MAX_NODES = 400;

export function buildGraph(jobs: Job[]): { nodes: Node[]; edges: Edge[] } {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  // Jobs that take part in a relation, newest first, capped.
  const related = new Set<string>();
  for (const job of jobs) {
    if (job.dependsOn.length || job.parentJobId) {
      related.add(job.id);
      for (const dep of job.dependsOn) related.add(dep);
      if (job.parentJobId) related.add(job.parentJobId);
    }
  }
  const ids = (related.size ? [...related] : jobs.map((j) => j.id)).slice(0, MAX_NODES);
  const included = new Set(ids);
  const parentsOf = (id: string): string[] => {
    const job = byId.get(id);
    if (!job) return [];
    return [...job.dependsOn, ...(job.parentJobId ? [job.parentJobId] : [])].filter((p) => included.has(p));
  };
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // cycle guard
    visiting.add(id);
    const d = Math.max(-1, ...parentsOf(id).map(depthOf)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  const layers = new Map<number, string[]>();
  for (const id of ids) {
    const d = depthOf(id);
    layers.set(d, [...(layers.get(d) ?? []), id]);
  }
  const nodes: Node[] = [];
  for (const [d, layer] of layers) {
    layer.forEach((id, i) => {
      const job = byId.get(id);
      const color = job ? cardColor(job, { read: true }) : "normal";
      nodes.push({
        id,
        position: related.size ? { x: d * 300, y: i * 90 } : { x: (i % 4) * 260, y: Math.floor(i / 4) * 90 },
        sourcePosition: Position.Right,
        targetPosition: Position.Left,
        data: {
          label: (
            <div className="graph-label" data-testid={`graph-node-${id}`}>
              <div className="graph-title">{job?.title ?? id}</div>
              <div className="graph-status">{job ? job.status : "not loaded"}</div>
            </div>
          ),
        },
        className: `graph-node color-${color}`,
        style: { width: 220 },
      });
    });
  }
  const edges: Edge[] = [];
  for (const id of ids) {
    const job = byId.get(id);
    if (!job) continue;
    for (const dep of job.dependsOn) {
      if (!included.has(dep)) continue;
      edges.push({
        id: `dep-${dep}-${id}`,
        source: dep,
        target: id,
        type: "job",
        markerEnd: { type: MarkerType.ArrowClosed },
        data: { kind: "dependsOn" },
      });
    }
    if (job.parentJobId && included.has(job.parentJobId)) {
      edges.push({
        id: `parent-${job.parentJobId}-${id}`,
        source: job.parentJobId,
        target: id,
        type: "job",
        style: { strokeDasharray: "5 4" },
        data: { kind: "parent" },
      });
    }
  }
  return { nodes, edges };
}

/** A bezier edge with a stable test hook. */
function JobEdge(props: EdgeProps) {
  const [path] = getBezierPath(props);
  return (
    <g data-testid="graph-edge" data-source={props.source} data-target={props.target} data-kind={String(props.data?.kind ?? "")}>
      <BaseEdge id={props.id} path={path} markerEnd={props.markerEnd} style={props.style} />
    </g>
  );
}

const edgeTypes = { job: JobEdge };

export default function GraphView({ jobs, onClose, onOpenJob }: Props) {
  const { nodes, edges } = useMemo(() => buildGraph(jobs), [jobs]);
  return (
    <Modal title="Dependency graph" onClose={onClose} wide testId="graph">
      {nodes.length === 0 ? (
        <EmptyState title="No jobs to draw">Jobs and their dependencies appear here.</EmptyState>
      ) : (
        <>
          <div className="muted small">
            {edges.length === 0 ? "No dependencies between these jobs yet. " : ""}Solid arrows: depends on. Dashed: parent → sub-job. Click a job to open it.
          </div>
          <div className="graph-host" data-testid="graph-canvas">
            <ReactFlow
              nodes={nodes}
              edges={edges}
              edgeTypes={edgeTypes}
              fitView
              fitViewOptions={{ maxZoom: 1.1 }}
              nodesConnectable={false}
              onNodeClick={(_, node) => onOpenJob(node.id)}
              proOptions={{ hideAttribution: true }}
              colorMode={document.documentElement.dataset.theme === "light" ? "light" : "dark"}
            >
              <Background />
              <Controls showInteractive={false} />
            </ReactFlow>
          </div>
        </>
      )}
    </Modal>
  );
}

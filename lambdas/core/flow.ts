import * as z from 'zod';
import { FlowChannelSchema, HitlConfigSchema, MAX_VOICE_TIMEOUT_SECONDS } from './hitl-config.ts';

/** What a voice caller hears while a person decides, unless the flow says otherwise. */
export const DEFAULT_HOLD_MESSAGE = 'I need to verify this with my team. One moment please.';

/** Node ids become part of state names (`<node>.Gate`), so they stay short and plain. */
export const NodeIdSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'must start with a letter and hold at most 40 letters, digits, _ or -');

/** Flow ids become part of state machine names (`flow-<id>`), which Step Functions caps at 80 characters. */
export const FlowIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'must be 1-48 lowercase letters, digits or -');

export const ToolNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a lowercase tool name (letters, digits, _)');

/** A path into the execution state, as a tool node's argument source (`$.output.message`). */
const StatePathSchema = z.string().regex(/^\$(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+$/, 'must be a simple JSONPath such as $.output.message');

/** Which model an agent node talks to. Local mode runs every agent with the scripted model. */
export const AgentModelConfigSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('scripted') }).strict(),
  z
    .object({
      provider: z.literal('bedrock'),
      modelId: z.string().min(1).max(256),
      maxTokens: z.number().int().min(1).max(8192).default(1024),
      temperature: z.number().min(0).max(1).optional(),
    })
    .strict(),
]);
export type AgentModelConfig = z.infer<typeof AgentModelConfigSchema>;

/** An agent step: the model answers or calls tools, in a loop, until it has an answer. */
export const AgentNodeSchema = z
  .object({
    id: NodeIdSchema,
    type: z.literal('agent'),
    name: z.string().max(200).optional(),
    /** The tools this agent may call, by registered name. */
    tools: z.array(ToolNameSchema).max(50).default([]),
    system: z.string().max(20_000).optional(),
    model: AgentModelConfigSchema.default({ provider: 'scripted' }),
    /** Model turns allowed at this node before the execution fails; bounds a looping agent. */
    maxTurns: z.number().int().min(1).max(25).default(8),
    hitl: HitlConfigSchema,
  })
  .strict();
export type AgentNode = z.infer<typeof AgentNodeSchema>;

/** A tool step: one call of one tool, with fixed arguments and arguments taken from the state. */
export const ToolNodeSchema = z
  .object({
    id: NodeIdSchema,
    type: z.literal('tool'),
    name: z.string().max(200).optional(),
    tool: ToolNameSchema,
    args: z.record(z.string(), z.unknown()).default({}),
    /** Arguments read from the execution state when the node runs, e.g. `{ "text": "$.output.message" }`. */
    argPaths: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), StatePathSchema).default({}),
    hitl: HitlConfigSchema,
  })
  .strict();
export type ToolNode = z.infer<typeof ToolNodeSchema>;

export const FlowNodeSchema = z.discriminatedUnion('type', [AgentNodeSchema, ToolNodeSchema]);
export type FlowNode = z.infer<typeof FlowNodeSchema>;

export const FlowEdgeSchema = z.object({ from: NodeIdSchema, to: NodeIdSchema }).strict();

export const VoiceSettingsSchema = z
  .object({
    holdMessage: z.string().trim().min(1).max(500).default(DEFAULT_HOLD_MESSAGE),
    holdMusicUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  })
  .strict();
export type VoiceSettings = z.infer<typeof VoiceSettingsSchema>;

/**
 * An agent's workflow: nodes run one after another along the edges, starting at `startAt` (the first
 * node by default). Each node carries its own human-in-the-loop settings.
 */
export const FlowSchema = z
  .object({
    id: FlowIdSchema,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    revision: z.number().int().min(1).default(1),
    channel: FlowChannelSchema.default('async'),
    voice: VoiceSettingsSchema.default({ holdMessage: DEFAULT_HOLD_MESSAGE }),
    startAt: NodeIdSchema.optional(),
    nodes: z.array(FlowNodeSchema).min(1).max(50),
    edges: z.array(FlowEdgeSchema).max(100).default([]),
  })
  .strict()
  .superRefine((flow, ctx) => {
    checkGraph(flow, ctx);
    if (flow.channel === 'voice') checkVoice(flow, ctx);
    flow.nodes.forEach((node, index) => {
      if (node.type !== 'tool') return;
      for (const name of Object.keys(node.argPaths)) {
        if (name in node.args) ctx.addIssue({ code: 'custom', path: ['nodes', index, 'argPaths', name], message: `"${name}" is also a fixed argument` });
      }
      const reserved = pathKeyIn(node.args);
      if (reserved) ctx.addIssue({ code: 'custom', path: ['nodes', index, 'args'], message: `key "${reserved}" ends in ".$", which Step Functions reads as a path: use argPaths` });
    });
  });
export type Flow = z.infer<typeof FlowSchema>;
export type FlowInput = z.input<typeof FlowSchema>;

type Ctx = z.RefinementCtx;

// Fixed arguments are copied into the compiled Parameters, where a key ending in ".$" is a JSONPath.
function pathKeyIn(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map(pathKeyIn).find(Boolean);
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.endsWith('.$')) return key;
    const nested = pathKeyIn(inner);
    if (nested) return nested;
  }
  return undefined;
}

// A flow is a chain: one way out of each node, no cycles, every node on the path from the start.
// Step ids of gates are unique per node, so a node must run at most once per execution.
function checkGraph(flow: { nodes: FlowNode[]; edges: { from: string; to: string }[]; startAt?: string }, ctx: Ctx): void {
  const index = new Map<string, number>();
  flow.nodes.forEach((node, i) => {
    if (index.has(node.id)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: `node id "${node.id}" is used twice` });
    else index.set(node.id, i);
  });
  const next = new Map<string, string>();
  flow.edges.forEach((edge, i) => {
    if (!index.has(edge.from)) ctx.addIssue({ code: 'custom', path: ['edges', i, 'from'], message: `no node "${edge.from}"` });
    if (!index.has(edge.to)) ctx.addIssue({ code: 'custom', path: ['edges', i, 'to'], message: `no node "${edge.to}"` });
    if (next.has(edge.from)) ctx.addIssue({ code: 'custom', path: ['edges', i, 'from'], message: `node "${edge.from}" already has an outgoing edge` });
    else next.set(edge.from, edge.to);
  });
  const start = flow.startAt ?? flow.nodes[0]?.id;
  if (flow.startAt !== undefined && !index.has(flow.startAt)) {
    ctx.addIssue({ code: 'custom', path: ['startAt'], message: `no node "${flow.startAt}"` });
    return;
  }
  const seen = new Set<string>();
  for (let id: string | undefined = start; id !== undefined; id = next.get(id)) {
    if (seen.has(id)) {
      ctx.addIssue({ code: 'custom', path: ['edges'], message: `the edges loop back to "${id}"; a flow runs each node once` });
      return;
    }
    seen.add(id);
  }
  flow.nodes.forEach((node, i) => {
    if (!seen.has(node.id)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: `node "${node.id}" is not reachable from "${start}"` });
  });
}

// A caller on hold cannot wait long, and there is no one to escalate to inside a phone call.
function checkVoice(flow: { nodes: FlowNode[] }, ctx: Ctx): void {
  flow.nodes.forEach((node, i) => {
    const { timeoutSeconds, onTimeout } = node.hitl;
    if (timeoutSeconds !== undefined && timeoutSeconds > MAX_VOICE_TIMEOUT_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['nodes', i, 'hitl', 'timeoutSeconds'],
        message: `voice flows wait at most ${MAX_VOICE_TIMEOUT_SECONDS} s while the caller is on hold (got ${timeoutSeconds})`,
      });
    }
    if (onTimeout === 'escalate') {
      ctx.addIssue({ code: 'custom', path: ['nodes', i, 'hitl', 'onTimeout'], message: 'voice flows cannot escalate during a call: use "reject"' });
    }
    if ((node.hitl.maxExtensionSeconds ?? 0) > 0) {
      ctx.addIssue({ code: 'custom', path: ['nodes', i, 'hitl', 'maxExtensionSeconds'], message: 'voice gates cannot be extended while the caller is on hold: leave it out or set 0' });
    }
    node.hitl.policies.forEach((rule, j) => {
      if (rule.timeoutSeconds !== undefined && rule.timeoutSeconds > MAX_VOICE_TIMEOUT_SECONDS) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', i, 'hitl', 'policies', j, 'timeoutSeconds'],
          message: `voice flows wait at most ${MAX_VOICE_TIMEOUT_SECONDS} s while the caller is on hold (policy "${rule.id}" asks ${rule.timeoutSeconds})`,
        });
      }
    });
  });
}

/** The nodes in the order an execution visits them. Assumes a flow that passed FlowSchema. */
export function flowPath(flow: Pick<Flow, 'nodes' | 'edges' | 'startAt'>): FlowNode[] {
  const byId = new Map(flow.nodes.map((node) => [node.id, node]));
  const next = new Map(flow.edges.map((edge) => [edge.from, edge.to]));
  const path: FlowNode[] = [];
  for (let id: string | undefined = flow.startAt ?? flow.nodes[0].id; id !== undefined && byId.has(id); id = next.get(id)) {
    path.push(byId.get(id)!);
    if (path.length > flow.nodes.length) break;
  }
  return path;
}

/** True when a node can pause for a person (and so compiles to gate states). */
export function hasGate(node: FlowNode): boolean {
  return node.hitl.mode === 'blocking' || node.hitl.mode === 'confirm_tools';
}

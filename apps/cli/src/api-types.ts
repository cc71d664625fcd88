/**
 * The wire shapes the CLI reads (DESIGN §2, §6). Declared here rather than imported from the
 * server's libs: the CLI is a client of the public contract, not of the storage types.
 * Only the fields the human output uses are listed; --json prints whatever the server sent.
 */

export interface InstanceInfo {
  processInstanceId: string;
  organizationId: string;
  name: string;
  active: boolean;
  apiKeyHint: string;
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowInfo {
  workflowId: string;
  target: { url: string; headers?: Record<string, string>; timeoutMs?: number; maxConcurrency?: number };
  resultMode?: 'response' | 'callback';
  inputSchema?: Record<string, unknown>;
}

export interface SigningSecretInfo {
  secretId: string;
  label: string;
  scheme: string;
  createdAt: string;
  expiresAt?: string;
  audience?: string;
  serviceAccountEmail?: string;
}

export interface OrgKeyInfo {
  keyId: string;
  name: string;
  scopes: string[];
  hint: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
}

export type ExecutionStatus = 'pending' | 'success' | 'failed';

export interface ExecutionInfo {
  executionId: string;
  workflowId: string;
  status: ExecutionStatus;
  createdAt: string;
  processInstanceId?: string;
  duration?: number;
  attempts?: number;
  resultData?: unknown;
  errorDetails?: { type: string; message: string; code?: string; failedNodeName?: string };
  replayOf?: string;
}

export interface TriggerResponse {
  success: true;
  executionId: string;
  message?: string;
  duplicate?: boolean;
}

export interface StatusResponse {
  success: true;
  execution: ExecutionInfo;
}

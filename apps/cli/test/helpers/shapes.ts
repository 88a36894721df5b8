/** The JSON shapes tests read (docs/CLI.md and the CLI's own summaries). */
export interface Created {
  report_id: string;
}
export interface Summary {
  report_id: string;
  title: string;
  outline_version: number;
  status: string;
  tags: string[];
  updated_at: string;
}
export interface OutlineDoc {
  report_id: string;
  title: string;
  created_at: string;
  updated_at: string;
  outline_version: number;
  sections: { section_id: string; title: string; insight_ids: string[] }[];
  insights: { insight_id: string; summary: string }[];
  metadata: Record<string, unknown>;
}
export interface IndexEntryDoc {
  report_id: string;
  current_title: string;
  status: string;
  tags: string[];
  path: string;
}
export interface EventDoc {
  action_id: string;
  report_id: string;
  action_type: string;
  actor: string;
  ts: string;
  payload: Record<string, unknown>;
}
export interface VerifyDoc {
  ok: boolean;
  problems: { report_id?: string; file?: string; line?: number; code: string; message: string }[];
}
export interface ErrorDoc {
  error: { code: string; message: string; id?: string; path?: string };
}

// Shapes of the API's JSON: the same field names as the CLI's --json.

export interface Match {
  entity_id: string;
  name: string;
  matched_name: string;
  score: number;
  list: string;
  source_id: string;
  listed_on: string | null;
  authority: string;
  explanation: string;
  kind?: string;
  program?: string;
  dataset?: string;
  version_id?: number;
  name_source?: string;
  /** What lowered the name score, in words. */
  penalties?: string[];
  /** The attributes given with the query and what each did. */
  evidence?: string[];
  /** Every designation of the consolidated entity. */
  designations?: Designation[];
  /** The list records the entity was consolidated from. */
  records?: string[];
}

export interface Designation {
  list: string;
  source_id: string;
  listed_on: string | null;
  ended_on: string | null;
  authority?: string;
  program?: string;
  dataset?: string;
  version_id?: number;
}

export interface ScreenResult {
  query: string;
  matches: Match[];
  error?: string;
  /** List versions in force when the server screened the name. */
  versions?: number[];
  /** The audit record the server wrote for this screening. */
  audit_seq?: number;
}

export interface Evidence {
  title?: string;
  ref?: string;
  retrieved?: string;
  quote?: string;
  confidence?: number;
}

export interface Step {
  entity_id: string;
  name: string;
  kind: string;
  tie: string;
  reverse?: boolean;
  role?: string;
  via?: string;
  start: string | null;
  end: string | null;
  active_at_as_of?: boolean;
  after_designation?: boolean;
  evidence: Evidence[] | null;
}

export interface DesignatedEntity {
  entity_id: string;
  name: string;
  list: string;
  listed_on: string | null;
  authority: string;
  via?: string;
}

export interface RuleRef {
  name: string;
  status: string;
  citation?: string;
}

export interface Finding {
  designated: DesignatedEntity;
  rule: RuleRef;
  severity: string;
  score?: number;
  after_designation: boolean;
  possibly_after_designation?: boolean;
  distance?: number;
  paths: Step[][];
  truncated?: boolean;
}

export interface Report {
  org: string;
  org_name?: string;
  as_of: string | null;
  depth?: number;
  findings: Finding[];
  scenario_findings?: Finding[];
  summary: Record<string, unknown>;
  notes?: string[];
}

export interface ListVersion {
  id: number;
  dataset: string;
  format: string;
  hash: string;
  loaded_at: string;
  data_date: string;
  origin: string;
  rows: number;
  in_force: boolean;
}

export interface Name {
  text: string;
  type: string;
  lang?: string;
  source?: string;
}

export interface Designation {
  entity_id?: string;
  list: string;
  source_id: string;
  start: string;
  end: string;
  authority?: string;
  program?: string;
  license_policy?: string;
  source_url?: string;
  parent?: string;
}

export interface Entity {
  id: string;
  kind: string;
  names: Name[];
  countries?: string[];
  addresses?: { text: string; country?: string }[];
  identifiers?: { scheme: string; value: string }[];
  dates?: { type: string; value: string }[];
  remarks?: string;
}

export interface Tie {
  id?: string;
  from: string;
  to: string;
  from_name?: string;
  to_name?: string;
  kind: string;
  share?: number;
  role?: string;
  via?: string;
  start: string;
  end: string;
  evidence?: Evidence[];
  source?: string;
  /** Set by GET /v1/entities/{id}/ties: which way the tie points and who is at the other end. */
  direction?: 'in' | 'out';
  other?: { id: string; name: string; kind?: string; designated?: boolean };
}

export interface Link {
  id: number;
  graph_id: string;
  target_id: string;
  method: string;
  confidence: number;
  status: string;
  reason?: string;
}

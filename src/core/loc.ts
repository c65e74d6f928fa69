// A position in a source file: what every error, task and keyword carries.
export interface Loc {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
}

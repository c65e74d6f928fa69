// Where the CLI writes: one place, so every line passes through secret redaction.
import { redact } from './secrets.js';

export interface Output {
  print(text: string): void;
  warn(text: string): void;
  error(text: string): void;
}

export const stdio: Output = {
  print: (t) => void process.stdout.write(redact(t.endsWith('\n') ? t : `${t}\n`)),
  warn: (t) => void process.stderr.write(redact(`[WARNING]: ${t}\n`)),
  error: (t) => void process.stderr.write(redact(t.endsWith('\n') ? t : `${t}\n`)),
};

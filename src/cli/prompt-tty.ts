// vars_prompt on a terminal: each question on stderr, the answer read from stdin (hidden when private: what is
// typed is not echoed). Used only when stdin is a TTY (check/prompts.ts decides what is asked).
import { createInterface } from 'node:readline';
import type { Asker } from '../check/prompts.js';

export function ttyAsker(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Asker {
  return {
    say: (text) => output.write(`${text}\n`),
    ask: (text, hidden) =>
      new Promise((resolve) => {
        const rl = createInterface({ input, output, terminal: true });
        if (hidden) {
          // readline echoes each typed key through _writeToOutput: keep the question, drop the keys
          const io = rl as unknown as { _writeToOutput(s: string): void };
          const write = io._writeToOutput.bind(rl);
          io._writeToOutput = (s: string) => {
            if (s.includes(text) || s === '\r\n' || s === '\n') write(s);
          };
        }
        rl.question(text, (answer) => {
          rl.close();
          resolve(answer);
        });
      }),
  };
}

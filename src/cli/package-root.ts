import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder holding glpi-bridge's package.json, from src/ (ts) or dist/ (js) alike. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

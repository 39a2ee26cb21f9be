// CLI plumbing shared by every command: option parsing (node:util parseArgs), usage errors, checked numbers, exit codes.
import { parseArgs } from 'node:util';
import { BilstmError, ConfigError } from '../errors.js';

/** One option of a command: parseArgs's type plus what its help line says. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown after the flag in the help, e.g. `<n>`. */
  arg?: string;
  help: string;
}

export interface Command {
  name: string;
  /** One line for the top-level help. */
  summary: string;
  /** The usage line(s) after `bilstm-attn `. */
  usage: string;
  /** Paragraph after the options (examples, notes). */
  more?: string;
  options: Record<string, OptionSpec>;
  /** Whether the command takes positional arguments (texts). */
  positionals: boolean;
  run(values: Values, positionals: string[], out: Output): Promise<void>;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

/** Where a command writes: stdout lines (human or the one JSON document), stderr lines, and whether stdout is a TTY. */
export interface Output {
  log(line: string): void;
  err(line: string): void;
  isTTY: boolean;
}

/** Flags every command has. */
export const COMMON: Record<string, OptionSpec> = {
  json: { type: 'boolean', help: 'print one JSON document on stdout and nothing else there' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** A usage error (exit code 2): `bilstm-attn <command>: expected <what>, got <actual>.` */
export function usageError(command: string, what: string, got: string): ConfigError {
  const e = new ConfigError(`bilstm-attn${command ? ` ${command}` : ''}: expected ${what}, got ${got}.`);
  USAGE.add(e);
  return e;
}
const USAGE = new WeakSet<Error>();

/** Parses argv against a command's options; unknown or malformed flags become usage errors. */
export function parse(cmd: Command, argv: string[]): { values: Values; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [k, o] of Object.entries({ ...cmd.options, ...COMMON })) options[k] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  let r;
  try {
    r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const flag = /'(-[^']*)'/.exec(msg)?.[1];
    const code = (e as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw usageError(cmd.name, `one of its options (see bilstm-attn ${cmd.name} --help)`, `${flag ?? msg}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = /--([\w-]+)/.exec(msg)?.[1];
      const spec = name ? options[name] : undefined;
      throw usageError(cmd.name, spec?.type === 'boolean' ? `--${name} without a value` : `a value after --${name ?? '?'}`, foundAfter(argv, name));
    }
    throw usageError(cmd.name, 'valid options (see --help)', msg.split('\n')[0]);
  }
  if (!cmd.positionals && r.positionals.length > 0 && !r.values.help) {
    throw usageError(cmd.name, 'no positional arguments (see --help)', JSON.stringify(r.positionals[0]));
  }
  return { values: r.values as Values, positionals: r.positionals };
}

/** What followed --name in argv (for a missing or unwanted value): its =value, or the next argument, or none. */
function foundAfter(argv: string[], name: string | undefined): string {
  const i = name === undefined ? -1 : argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return 'none';
  const eq = argv[i].indexOf('=');
  if (eq >= 0) return JSON.stringify(argv[i].slice(eq + 1));
  const next = argv[i + 1];
  if (next === undefined) return 'none';
  return next.startsWith('-') ? `${JSON.stringify(next)}, which reads as an option (write --${name}=${next})` : JSON.stringify(next);
}

/** The help text of a command. */
export function helpText(cmd: Command): string {
  const all = { ...cmd.options, ...COMMON };
  const rows = Object.entries(all).map(([k, o]) => [`${o.short ? `-${o.short}, ` : '    '}--${k}${o.arg ? ` ${o.arg}` : ''}`, o.help]);
  const w = Math.max(...rows.map((r) => r[0].length));
  return [
    `Usage: bilstm-attn ${cmd.usage}`,
    '',
    cmd.summary,
    '',
    'Options:',
    ...rows.flatMap(([a, b]) => wrap(b, Math.max(40, 100 - w - 4)).map((l, i) => `  ${(i === 0 ? a : '').padEnd(w)}  ${l}`)),
    ...(cmd.more ? ['', cmd.more] : []),
  ].join('\n');
}

/** Words of s in lines of at most `width` characters. */
function wrap(s: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of s.split(' ')) {
    if (cur && cur.length + 1 + word.length > width) { lines.push(cur); cur = word; } else cur = cur ? `${cur} ${word}` : word;
  }
  return [...lines, cur];
}

/** A string option, or undefined. */
export function str(v: Values, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}

/** A required string option. */
export function required(cmd: string, v: Values, name: string, what: string): string {
  const x = str(v, name);
  if (x === undefined || x === '') throw usageError(cmd, `--${name} ${what}`, 'none');
  return x;
}

/** An integer option in [min, max], or the default. */
export function int(cmd: string, v: Values, name: string, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  return optInt(cmd, v, name, min, max) ?? dflt;
}

/** An integer option in [min, max], or undefined when not given. */
export function optInt(cmd: string, v: Values, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const x = str(v, name);
  if (x === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(x.trim()) ? Number(x) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw usageError(cmd, `--${name} to be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`}`, JSON.stringify(x));
  }
  return n;
}

/** A number option in [min, max) (or [min, max] with `inclusive`), or the default. */
export function num(cmd: string, v: Values, name: string, dflt: number, min: number, max: number, inclusive = false): number {
  const x = str(v, name);
  if (x === undefined) return dflt;
  const n = x.trim() === '' ? NaN : Number(x);
  if (!Number.isFinite(n) || n < min || (inclusive ? n > max : n >= max)) {
    throw usageError(cmd, `--${name} to be a number in [${min}, ${max}${inclusive ? ']' : ')'}`, JSON.stringify(x));
  }
  return n;
}

/** One of a fixed set of values, or the default. */
export function oneOf<T extends string>(cmd: string, v: Values, name: string, allowed: readonly T[], dflt: T): T {
  const x = str(v, name);
  if (x === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(x)) throw usageError(cmd, `--${name} to be one of ${allowed.join(', ')}`, JSON.stringify(x));
  return x as T;
}

/**
 * Exit code and the one stderr line for an error: 2 for usage errors (bad flags, missing files, ConfigError from a
 * flag's value), 1 for runtime errors (a corrupt model file, unreadable data, anything else). Library errors print as
 * one line without a stack; anything unexpected prints its stack too (a bug to report).
 */
export function describeError(command: string, e: unknown): { code: 1 | 2; line: string; stack?: string } {
  const where = `bilstm-attn${command ? ` ${command}` : ''}`;
  if (e instanceof BilstmError) {
    const oneLine = e.message.replace(/\s*\n\s*/g, ' ');
    const line = oneLine.startsWith('bilstm-attn') ? oneLine : `${where}: ${e.name}: ${oneLine}`;
    return { code: USAGE.has(e) || e instanceof ConfigError ? 2 : 1, line };
  }
  // a non-Error thrown value is described as its string (no Error is made: src/ makes only library errors)
  const err: { name: string; message: string; stack?: string } = e instanceof Error ? e : { name: 'thrown value', message: String(e) };
  const sys = (e as { code?: unknown } | null) ?? {};
  if (typeof sys.code === 'string' && /^E[A-Z]+$/.test(sys.code)) {
    // a file-system error (EACCES, EISDIR, ENOSPC ...): one line naming the path
    return { code: 1, line: `${where}: ${err.message.replace(/\s*\n\s*/g, ' ')}` };
  }
  return { code: 1, line: `${where}: ${err.name}: ${err.message.replace(/\s*\n\s*/g, ' ')}`, stack: err.stack };
}

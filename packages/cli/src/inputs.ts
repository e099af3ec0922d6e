import fs from 'node:fs/promises';
import path from 'node:path';
import ms from 'ms';
import yaml from 'yaml';
import { badInput } from './exitCodes';

/** Commander collector for repeatable `--input key=value` flags. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * `key=value` flags as inputs. Values stay text: the backend converts them
 * to the template's types and names the input when one does not fit.
 */
export function parseInputFlags(flags: string[] = []): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const flag of flags) {
    const at = flag.indexOf('=');
    if (at <= 0) {
      throw badInput(
        `--input: '${
          flag.split('=')[0]
        }' must be key=value, e.g. --input containerPort=8080`,
      );
    }
    inputs[flag.slice(0, at)] = flag.slice(at + 1);
  }
  return inputs;
}

/** Inputs from a YAML or JSON file holding one mapping of input names to values. */
export async function readInputsFile(
  cwd: string,
  file: string,
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw badInput(
      `--inputs-file: cannot read ${file}: ${(error as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = yaml.parse(text);
  } catch (error) {
    throw badInput(
      `--inputs-file: ${file} is not YAML or JSON: ${(error as Error).message}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badInput(
      `--inputs-file: ${file} must hold a mapping of input names to values`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** The inputs of `--inputs-file` and `--input` flags, flags winning. */
export async function gatherInputs(
  cwd: string,
  options: { input?: string[]; inputsFile?: string },
): Promise<Record<string, unknown>> {
  return {
    ...(options.inputsFile
      ? await readInputsFile(cwd, options.inputsFile)
      : {}),
    ...parseInputFlags(options.input),
  };
}

/** A duration flag such as `90s`, `15m` or `1h`, in milliseconds. */
export function parseDurationFlag(flag: string, value: string): number {
  const parsed = /^\d+$/.test(value) ? Number(value) * 1000 : ms(value as any);
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed <= 0) {
    throw badInput(
      `${flag}: '${value}' is not a duration; use e.g. 90s, 15m or 1h`,
    );
  }
  return parsed;
}

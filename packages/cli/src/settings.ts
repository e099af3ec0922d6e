import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CliError, ExitCode } from './exitCodes';
import { CliIo } from './io';

/** Where the backend is and how to authenticate to it. */
export interface Settings {
  /** The Backstage backend's base URL, e.g. https://backstage.example.com. */
  url: string;
  /** A Backstage token: an external-access token for CI, a user token for people. */
  token: string;
}

/**
 * The settings file: `--config`, else `ENVKIT_CONFIG`, else
 * `envkit/config.json` under `XDG_CONFIG_HOME` (`~/.config`).
 */
export function settingsPath(io: CliIo, given?: string): string {
  if (given) return path.resolve(io.cwd, given);
  if (io.env.ENVKIT_CONFIG) return path.resolve(io.cwd, io.env.ENVKIT_CONFIG);
  const base =
    io.env.XDG_CONFIG_HOME || path.join(io.env.HOME || os.homedir(), '.config');
  return path.join(base, 'envkit', 'config.json');
}

/** A URL the client can use: http(s), no trailing slash. */
export function normalizeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(
      `url: '${url}' is not a URL; give the backend's base URL, e.g. https://backstage.example.com`,
      ExitCode.badInput,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CliError(
      `url: '${url}' must be http or https`,
      ExitCode.badInput,
    );
  }
  return parsed.toString().replace(/\/+$/, '');
}

/** Writes the settings readable by the current user only (0600). */
export async function saveSettings(
  file: string,
  settings: Settings,
): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await fs.writeFile(file, `${JSON.stringify(settings, null, 2)}\n`, {
    mode: 0o600,
  });
  // writeFile's mode only applies to a new file; an older one may be wider.
  await fs.chmod(file, 0o600);
}

async function readSettingsFile(file: string): Promise<Partial<Settings>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    const parsed = JSON.parse(text);
    return {
      url: typeof parsed.url === 'string' ? parsed.url : undefined,
      token: typeof parsed.token === 'string' ? parsed.token : undefined,
    };
  } catch {
    throw new CliError(
      `${file} is not the JSON envkitctl writes; run 'envkitctl login' again`,
      ExitCode.error,
    );
  }
}

/**
 * The settings in force: flags, then `ENVKIT_URL`/`ENVKIT_TOKEN` (what CI
 * sets), then the settings file.
 */
export async function loadSettings(
  io: CliIo,
  flags: { url?: string; token?: string; config?: string },
): Promise<Settings> {
  const file = settingsPath(io, flags.config);
  const saved = await readSettingsFile(file);
  const url = flags.url ?? io.env.ENVKIT_URL ?? saved.url;
  const token = flags.token ?? io.env.ENVKIT_TOKEN ?? saved.token;
  if (!url || !token) {
    throw new CliError(
      `Not logged in: run 'envkitctl login --url <backend URL> --token <token>', or set ENVKIT_URL and ENVKIT_TOKEN`,
      ExitCode.notAllowed,
    );
  }
  return { url: normalizeUrl(url), token };
}

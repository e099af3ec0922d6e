import { Command } from 'commander';
import { EnvironmentsRestApi } from '@envkit/plugin-environments-common';
import { createClient } from './client';
import { CliIo } from './io';
import { OutputFormat } from './output';
import { loadSettings, Settings } from './settings';

/** What every command works with: its I/O, the global flags, the client. */
export interface CommandContext {
  io: CliIo;
  format(): OutputFormat;
  settings(): Promise<Settings>;
  client(): Promise<EnvironmentsRestApi>;
  /** A progress line, on stderr so stdout stays the command's result. */
  progress(line: string): void;
}

interface GlobalFlags {
  output: OutputFormat;
  url?: string;
  token?: string;
  config?: string;
}

export function createContext(program: Command, io: CliIo): CommandContext {
  const flags = () => program.opts<GlobalFlags>();
  const settings = () => loadSettings(io, flags());
  return {
    io,
    format: () => flags().output,
    settings,
    client: async () => createClient(await settings()),
    progress: line => io.stderr(`${line}\n`),
  };
}

/*
 * Collects the log lines of backend processes (or an in-process logger),
 * classifies them by level and scans them for secrets.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import {
  coreServices,
  createServiceFactory,
  LoggerService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export interface LogLine {
  source: string;
  text: string;
}

/** Level of a Backstage log line (text format or JSON format). */
export function levelOf(text: string): string | undefined {
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text).level;
    } catch {
      return undefined;
    }
  }
  // `2026-01-01T00:00:00.000Z <service> <level> message …`
  const match = /^\S+Z\s+\S+\s+(error|warn|info|debug|verbose)\b/.exec(text);
  return match?.[1];
}

/** Values that count as a leaked credential when they appear in a log line. */
const TOKEN_PATTERNS = [
  // Any bearer value (Backstage JWTs, kubeconfig tokens).
  /Bearer\s+[A-Za-z0-9._~+/=-]{8,}/,
  // A Backstage or other JWT printed on its own.
  /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+/,
  // The sandbox's kubeconfig token and the token app-config.sandbox.yaml sets.
  /sandbox-token/,
  /envkit-sandbox-token/,
  // AWS secret keys in signed requests or SDK dumps.
  /aws_secret_access_key|secretAccessKey["':=\s]+[A-Za-z0-9/+]{8,}/i,
];

export class LogSink {
  readonly lines: LogLine[] = [];
  private readonly secrets = new Set<string>();
  private readonly file?: fs.WriteStream;

  constructor(filePath?: string) {
    if (filePath) this.file = fs.createWriteStream(filePath);
  }

  addSecret(value: string) {
    if (value.length >= 6) this.secrets.add(value);
  }

  push(source: string, raw: string) {
    const text = raw.replace(ANSI, '');
    if (!text.trim()) return;
    this.lines.push({ source, text });
    this.file?.write(`[${source}] ${text}\n`);
  }

  attach(source: string, stream: Readable) {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      let index = buffer.indexOf('\n');
      while (index >= 0) {
        this.push(source, buffer.slice(0, index));
        buffer = buffer.slice(index + 1);
        index = buffer.indexOf('\n');
      }
    });
    stream.on('end', () => {
      if (buffer) this.push(source, buffer);
      buffer = '';
    });
  }

  tail(n: number): string[] {
    return this.lines.slice(-n).map(l => `[${l.source}] ${l.text}`);
  }

  count(predicate: (line: LogLine) => boolean): number {
    return this.lines.filter(predicate).length;
  }

  byLevel(level: string): LogLine[] {
    return this.lines.filter(l => levelOf(l.text) === level);
  }

  /** Lines that contain a configured secret or look like a credential. */
  leaks(): { line: LogLine; what: string }[] {
    const found: { line: LogLine; what: string }[] = [];
    for (const line of this.lines) {
      for (const secret of this.secrets) {
        if (line.text.includes(secret)) {
          found.push({ line, what: `secret ${secret.slice(0, 6)}…` });
        }
      }
      for (const pattern of TOKEN_PATTERNS) {
        if (pattern.test(line.text)) {
          found.push({ line, what: `pattern ${pattern}` });
        }
      }
    }
    return found;
  }

  close() {
    this.file?.end();
  }
}

/**
 * An in-process logger that keeps every line any plugin or module wrote,
 * with its metadata, as JSON text, so a test can search them for secrets.
 */
export class RecordingLogger implements LoggerService {
  constructor(readonly lines: string[], private readonly meta: object = {}) {}
  private record(message: string, meta?: unknown) {
    this.lines.push(JSON.stringify([message, this.meta, meta ?? null]));
  }
  error(message: string, meta?: unknown) {
    this.record(message, meta);
  }
  warn(message: string, meta?: unknown) {
    this.record(message, meta);
  }
  info(message: string, meta?: unknown) {
    this.record(message, meta);
  }
  debug(message: string, meta?: unknown) {
    this.record(message, meta);
  }
  child(meta: object): LoggerService {
    return new RecordingLogger(this.lines, { ...this.meta, ...meta });
  }
}

/** A root logger service factory that records into `lines`. */
export function recordingRootLogger(lines: string[]) {
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => new RecordingLogger(lines) as unknown as RootLoggerService,
  });
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  ENVIRONMENT_TEMPLATE_KIND,
  validateEnvironmentTemplate,
} from '@envkit/plugin-environments-common';
import { codeBlocks, configKeys, markdownFiles, repoRoot } from './repo';

const KNOWN_DRIVERS = ['aws-cloudformation', 'kubernetes-namespace'];

const blocks = markdownFiles('docs').flatMap(codeBlocks);
const yamlBlocks = blocks.filter(b => ['yaml', 'yml'].includes(b.language));
const jsonBlocks = blocks.filter(b => b.language === 'json');

function parseYaml(code: string, where: string): unknown[] {
  const documents = parseAllDocuments(code);
  return documents.map(doc => {
    if (doc.errors.length) {
      throw new Error(`${where}: ${doc.errors[0].message}`);
    }
    return doc.toJS();
  });
}

describe('docs/', () => {
  it('has YAML snippets to check', () => {
    expect(yamlBlocks.length).toBeGreaterThan(3);
  });

  it.each(yamlBlocks.map(b => [`${b.file}:${b.line}`, b]))(
    'YAML snippet %s parses',
    (_where, block) => {
      expect(() =>
        parseYaml(block.code, `${block.file}:${block.line}`),
      ).not.toThrow();
    },
  );

  it.each(jsonBlocks.map(b => [`${b.file}:${b.line}`, b]))(
    'JSON snippet %s parses',
    (_where, block) => {
      expect(() => JSON.parse(block.code)).not.toThrow();
    },
  );

  const templatesInDocs = yamlBlocks.flatMap(block =>
    parseYaml(block.code, block.file)
      .filter(
        (doc): doc is { kind: string; metadata: { name: string } } =>
          (doc as { kind?: string })?.kind === ENVIRONMENT_TEMPLATE_KIND,
      )
      .map(doc => [`${block.file}:${block.line} ${doc.metadata.name}`, doc]),
  );

  it('has example EnvironmentTemplates to check', () => {
    expect(templatesInDocs.length).toBeGreaterThan(0);
  });

  it.each(templatesInDocs)('EnvironmentTemplate %s validates', (_w, doc) => {
    expect(() =>
      validateEnvironmentTemplate(doc, { knownDrivers: KNOWN_DRIVERS }),
    ).not.toThrow();
  });
});

describe('examples/', () => {
  const files = readdirSync(join(repoRoot, 'examples'), {
    recursive: true,
  })
    .map(String)
    .filter(f => f.endsWith('.yaml'));
  const templates = files.flatMap(file =>
    parseYaml(readFileSync(join(repoRoot, 'examples', file), 'utf8'), file)
      .filter(
        doc => (doc as { kind?: string })?.kind === ENVIRONMENT_TEMPLATE_KIND,
      )
      .map(doc => [file, doc]),
  );

  it.each(templates)('EnvironmentTemplate in %s validates', (_file, doc) => {
    expect(() =>
      validateEnvironmentTemplate(doc, { knownDrivers: KNOWN_DRIVERS }),
    ).not.toThrow();
  });
});

describe('docs/reference/configuration.md', () => {
  const page = readFileSync(
    join(repoRoot, 'docs/reference/configuration.md'),
    'utf8',
  );
  const schemas = ['plugins', 'packages'].flatMap(dir =>
    readdirSync(join(repoRoot, dir))
      .map(name => `${dir}/${name}/config.d.ts`)
      .filter(file => {
        try {
          readFileSync(join(repoRoot, file));
          return true;
        } catch {
          return false;
        }
      }),
  );
  const keys = schemas.flatMap(file =>
    configKeys(file).map(key => [key, file]),
  );

  it('reads at least one config.d.ts', () => {
    expect(keys.length).toBeGreaterThan(0);
  });

  it.each(keys)('names %s (from %s)', key => {
    expect(page).toContain(`\`${key}\``);
  });
});

describe('docs/reference/rest-api.md', () => {
  const page = readFileSync(
    join(repoRoot, 'docs/reference/rest-api.md'),
    'utf8',
  );
  const openapi = parseYaml(
    readFileSync(
      join(repoRoot, 'plugins/environments-backend/src/schema/openapi.yaml'),
      'utf8',
    ),
    'openapi.yaml',
  )[0] as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.entries(openapi.paths).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter(m => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(method => `${method.toUpperCase()} ${path}`),
  );

  it.each(operations)('documents %s from the OpenAPI document', operation => {
    expect(page).toContain(`\`${operation}\``);
  });
});

// @ts-check

/** The list indexes: filter column(s), then the creation order. */
const LIST_INDEXES = {
  environments_created_idx: ['created_at', 'id'],
  environments_owner_created_idx: ['owner', 'created_at', 'id'],
  environments_template_created_idx: ['template_ref', 'created_at', 'id'],
  environments_component_created_idx: ['component', 'created_at', 'id'],
  environments_phase_created_idx: ['phase', 'created_at', 'id'],
  environments_created_by_created_idx: ['created_by', 'created_at', 'id'],
};

/** The single-column indexes the list indexes begin with, made redundant. */
const REPLACED_INDEXES = {
  environments_owner_idx: ['owner'],
  environments_template_idx: ['template_ref'],
  environments_phase_idx: ['phase'],
  environments_component_idx: ['component'],
};

/**
 * Lists that answer in milliseconds however many environments there are:
 *
 * - `spec_summary` and `status_summary` hold the list view of each
 *   environment (no template snapshot, inputs or per-resource status), kept
 *   with every spec and status write, so a page reads and parses a few
 *   hundred bytes a row rather than the whole spec;
 * - an index per list order and filter: every filter is an equality on one
 *   column, the order is (created_at desc, id), so (filter, created_at, id)
 *   serves both without sorting the table. `created_by` gets one too: the
 *   owner rule of permission decisions matches owner or creator. The
 *   single-column indexes these begin with are dropped.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments', table => {
    table.text('spec_summary').nullable();
    table.text('status_summary').nullable();
    for (const [name, columns] of Object.entries(LIST_INDEXES)) {
      table.index(columns, name);
    }
    for (const [name, columns] of Object.entries(REPLACED_INDEXES)) {
      table.dropIndex(columns, name);
    }
  });

  // Existing rows, a page at a time.
  const pageSize = 500;
  let after = '';
  for (;;) {
    const rows = await knex('environments')
      .select('id', 'spec', 'status')
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      const spec = JSON.parse(row.spec);
      const status = JSON.parse(row.status);
      await knex('environments')
        .where({ id: row.id })
        .update({
          spec_summary: JSON.stringify({
            name: spec.name,
            templateRef: spec.templateRef,
            templateVersion: spec.templateVersion,
            templateType: spec.templateSnapshot?.type,
            owner: spec.owner,
            component: spec.component,
            expiresAt: spec.expiresAt,
            deletionRequestedAt: spec.deletionRequestedAt,
            generation: spec.generation,
          }),
          status_summary: JSON.stringify({
            phase: status.phase,
            observedGeneration: status.observedGeneration,
            outputs: status.outputs ?? {},
            lastError: status.lastError,
          }),
        });
    }
    after = rows[rows.length - 1].id;
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments', table => {
    for (const [name, columns] of Object.entries(LIST_INDEXES)) {
      table.dropIndex(columns, name);
    }
    for (const [name, columns] of Object.entries(REPLACED_INDEXES)) {
      table.index(columns, name);
    }
    table.dropColumn('spec_summary');
    table.dropColumn('status_summary');
  });
};

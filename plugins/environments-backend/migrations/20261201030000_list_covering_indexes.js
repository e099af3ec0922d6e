// @ts-check

/**
 * The list indexes of the filter columns, now with `phase` at the end. The
 * list leaves out destroyed environments; with the phase in the index both
 * databases check it on the index entry, so the bounded count reads the
 * index only and a page looks up just the rows it returns.
 */
const COVERING = {
  environments_owner_list_idx: ['owner', 'created_at', 'id', 'phase'],
  environments_created_by_list_idx: ['created_by', 'created_at', 'id', 'phase'],
  environments_template_list_idx: ['template_ref', 'created_at', 'id', 'phase'],
  environments_component_list_idx: ['component', 'created_at', 'id', 'phase'],
};

/** The indexes of 20261130200000_list_view these replace. */
const REPLACED = {
  environments_owner_created_idx: ['owner', 'created_at', 'id'],
  environments_created_by_created_idx: ['created_by', 'created_at', 'id'],
  environments_template_created_idx: ['template_ref', 'created_at', 'id'],
  environments_component_created_idx: ['component', 'created_at', 'id'],
};

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments', table => {
    for (const [name, columns] of Object.entries(COVERING)) {
      table.index(columns, name);
    }
    for (const [name, columns] of Object.entries(REPLACED)) {
      table.dropIndex(columns, name);
    }
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments', table => {
    for (const [name, columns] of Object.entries(REPLACED)) {
      table.index(columns, name);
    }
    for (const [name, columns] of Object.entries(COVERING)) {
      table.dropIndex(columns, name);
    }
  });
};

// @ts-check

/**
 * Idempotent create: a client may send an `Idempotency-Key` with a create
 * request; the key (scoped to the caller) maps a retried request to the
 * environment the first one made.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments', table => {
    table.string('create_key', 512).nullable().unique();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments', table => {
    table.dropUnique(['create_key']);
    table.dropColumn('create_key');
  });
};

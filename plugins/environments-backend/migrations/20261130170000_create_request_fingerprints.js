// @ts-check

/**
 * Idempotency like payment APIs: with the key, the fingerprint of the create
 * request it was first used for, so a retry with a different body is told
 * apart from a true retry.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments', table => {
    table.string('create_request', 64).nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments', table => {
    table.dropColumn('create_request');
  });
};

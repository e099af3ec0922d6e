// @ts-check

/**
 * Secret inputs live apart from the spec: the spec is what the API returns,
 * so a value kept there would be one serializer away from a response.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environments', table => {
    table.text('secret_inputs').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments', table => {
    table.dropColumn('secret_inputs');
  });
};

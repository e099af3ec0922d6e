// @ts-check

/**
 * One row per notice sent: the primary key (environment, kind, key) is the
 * claim. A replica inserts the row before it sends the notice, and only the
 * replica whose insert lands sends it, so several replicas never send the
 * same notice twice. Rows go with their environment.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('environment_notices_sent', table => {
    table.comment('Notices sent about environments, one per threshold');
    table
      .string('environment_id', 36)
      .notNullable()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE');
    table
      .string('kind', 64)
      .notNullable()
      .comment('expiring, failed, expired, approval-requested, rejected');
    table
      .string('notice_key', 255)
      .notNullable()
      .comment('What makes this notice unique, e.g. threshold and expiry');
    table.timestamp('sent_at', { useTz: true }).notNullable();
    table.primary(['environment_id', 'kind', 'notice_key']);
  });
  // The sweep for notices before expiry reads environments by expiry.
  await knex.schema.alterTable('environments', table => {
    table.index(['expires_at'], 'environments_expires_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environments', table => {
    table.dropIndex(['expires_at'], 'environments_expires_idx');
  });
  await knex.schema.dropTable('environment_notices_sent');
};

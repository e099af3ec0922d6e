// @ts-check

/**
 * Environments and their event timelines.
 *
 * `active_name` holds the name while an environment exists and is cleared
 * when it is destroyed: a unique index on it keeps live names unique on
 * every database (NULLs never collide) while the name can be reused later.
 * `lease_owner`/`lease_expires_at` let several backend replicas share the
 * reconcile work without two of them driving one environment at once.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('environments', table => {
    table.comment('Environments: desired spec and observed status');
    table.string('id', 36).primary().notNullable();
    table.string('name', 63).notNullable();
    table.string('active_name', 63).nullable().unique();
    table.string('owner').notNullable();
    table.string('template_ref').notNullable();
    table.string('template_version').notNullable();
    table.string('component').nullable();
    table.string('phase', 16).notNullable();
    table.integer('generation').notNullable();
    table.integer('observed_generation').notNullable().defaultTo(0);
    table.text('spec').notNullable();
    table.text('status').notNullable();
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.timestamp('next_reconcile_at', { useTz: true }).nullable();
    table.string('lease_owner').nullable();
    table.timestamp('lease_expires_at', { useTz: true }).nullable();
    table.index(['owner'], 'environments_owner_idx');
    table.index(['template_ref'], 'environments_template_idx');
    table.index(['phase'], 'environments_phase_idx');
    table.index(['component'], 'environments_component_idx');
    table.index(['next_reconcile_at'], 'environments_next_reconcile_idx');
  });

  await knex.schema.createTable('environment_events', table => {
    table.comment('Timeline of what happened to each environment');
    table.bigIncrements('id').primary();
    table
      .string('environment_id', 36)
      .notNullable()
      .references('id')
      .inTable('environments')
      .onDelete('CASCADE');
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('type', 16).notNullable();
    table.string('reason', 64).notNullable();
    table.text('message').notNullable();
    table.string('resource', 63).nullable();
    table.index(['environment_id', 'id'], 'environment_events_env_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('environment_events');
  await knex.schema.dropTable('environments');
};

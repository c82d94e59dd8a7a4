export { findPostgresBinDir, startThrowawayPostgres, type ThrowawayPostgres } from '../../scripts/cluster/throwaway-postgres.ts';

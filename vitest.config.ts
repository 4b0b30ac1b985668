import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One PostgreSQL server for the run; each file makes its own database on it.
    globalSetup: ['test/support/embedded-server-setup.ts'],
    // Two cores run two files at a time.
    maxWorkers: 2,
  },
});

// The package version, written into model files (createdBy); test/model/version.test.ts keeps it equal to package.json's.
export const VERSION = '0.1.0';

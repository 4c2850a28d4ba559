// What other modules may use of this one (see .dependency-cruiser.cjs).
export { IngestPipeline } from './ingest-pipeline';
export { IngestModule } from './ingest.module';

// What other modules may use of this one (see .dependency-cruiser.cjs).
export { controlApiSchemas } from './api-schemas';
export { ControlModule } from './control.module';

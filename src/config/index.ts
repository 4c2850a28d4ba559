// What other modules may use of this one (see .dependency-cruiser.cjs).
export {
  ConfigError,
  databaseConfigFrom,
  databaseVariableNames,
  loadConfig,
  loadDotEnvFile,
  readVariables,
} from './config';
export type {
  AppConfig,
  DatabaseConfig,
  KafkaConfig,
  LogConfig,
  ShellyConfig,
  TracingConfig,
} from './config';
export { APP_CONFIG, ConfigModule, InjectConfig } from './config.module';
export { isLatestStateTopic, partnerTopicNames } from './topics';
export type { PartnerTopics, Topics } from './topics';
export type { NamedKey } from './value-types';

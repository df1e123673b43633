// The model-driven AWS JSON 1.1 layer: load a service model once, then decode/validate requests,
// encode responses and redact sensitive members per operation.

export {
  buildServiceModel,
  loadServiceModel,
  redactSensitive,
  type OperationModel,
  type SensitiveMembers,
  type ServiceModel,
} from './service-model.ts';
export type { ServiceModelJson } from './model-json.ts';
export { REDACTED } from './redactor.ts';

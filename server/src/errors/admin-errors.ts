// The admin API's errors: IAM's error types and, where IAM's wording is known, its texts.
import { AwsError } from './aws-errors.ts';

const e = (code: string, message: string, status = 400) => new AwsError(code, message, status);

export const adminErrors = {
  noSuchUser: (name: string) => e('NoSuchEntityException', `The user with name ${name} cannot be found.`, 404),
  noSuchPolicy: (name: string) => e('NoSuchEntityException', `The user policy with name ${name} cannot be found.`, 404),
  noSuchAccessKey: (id: string) => e('NoSuchEntityException', `The Access Key with id ${id} cannot be found.`, 404),
  userExists: (name: string) => e('EntityAlreadyExistsException', `User with name ${name} already exists.`, 409),
  functionExists: (name: string) => e('EntityAlreadyExistsException', `A rotation function named ${name} already exists.`, 409),
  noSuchFunction: (name: string) => e('NoSuchEntityException', `The rotation function with name ${name} cannot be found.`, 404),
  accountExists: (id: string) => e('EntityAlreadyExistsException', `Account ${id} already exists.`, 409),
  keyQuota: (max: number) => e('LimitExceededException', `Cannot exceed quota for AccessKeysPerUser: ${max}`, 409),
  policySize: (max: number, user: string) => e('LimitExceededException', `Maximum policy size of ${max} bytes exceeded for user ${user}`, 409),
  tagQuota: (max: number) => e('LimitExceededException', `Cannot exceed quota for TagsPerUser: ${max}`, 409),
  deleteConflict: (what: 'access keys' | 'policies') => e('DeleteConflictException', `Cannot delete entity, must delete ${what} first.`, 409),
  malformedPolicy: (message: string) => e('MalformedPolicyDocumentException', message),
  invalidInput: (message: string) => e('InvalidInputException', message),
  /** Secrets Manager's type for a request the secret's state does not allow (rotation's admin operations) */
  invalidRequest: (message: string) => e('InvalidRequestException', message),
};

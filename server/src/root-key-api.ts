// CofferAdmin.RotateRootKey: root-key rotation on the admin API, for the operator credential only (the root
// of the installation's first account), whatever any policy says. The answer names keys by id and says where
// the new key was written; it never carries key material. The pipeline audits the call like any other.
import type { Handler } from './protocol/pipeline.ts';
import { AwsError } from './errors/aws-errors.ts';
import { requireOperator } from './access/authorizer.ts';
import { RootKeyConflictError, type RootKeyRotationResult } from './root-key-rotation.ts';

export function rootKeyHandlers(rotate: () => Promise<RootKeyRotationResult>, operatorAccountId: string): Record<string, Handler> {
  const rotateRootKey: Handler = async (caller) => {
    requireOperator(caller, operatorAccountId, 'RotateRootKey');
    let result: RootKeyRotationResult;
    try {
      result = await rotate();
    } catch (err) {
      if (err instanceof RootKeyConflictError) throw new AwsError('ConcurrentModificationException', err.message, 409);
      throw err;
    }
    return {
      RootKeyId: result.rootKeyId,
      PreviousRootKeyId: result.previousRootKeyId,
      KeyFile: result.keyFile,
      StagedKey: result.staged,
      KeyMaterials: result.materials,
      AccessKeys: result.accessKeys,
      RotationFunctions: result.functions,
    };
  };
  return { RotateRootKey: rotateRootKey };
}

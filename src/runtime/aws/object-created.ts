import { makeObjectCreatedHandler } from "../../handlers/aws/object-created.js";
import { awsRuntime } from "./runtime.js";

/* Lambda entry for S3 "Object Created" events (EventBridge): uploaded listing agreements. */
const runtime = await awsRuntime();
export const handler = makeObjectCreatedHandler(runtime.application.useCases.attachAgreement, runtime.logger);

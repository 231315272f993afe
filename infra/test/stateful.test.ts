import { describe, expect, it } from "vitest";
import { templates } from "./build-app.js";
import { resourcesOf } from "./template-helpers.js";

const { stateful, stateless } = templates();

describe("stateful stack", () => {
  it("keeps the single table with PITR, NEW_IMAGE stream, TTL, on-demand billing, RETAIN and keys-only indexes", () => {
    const tables = Object.values(resourcesOf(stateful, "AWS::DynamoDB::Table"));
    expect(tables).toHaveLength(1);
    const table = tables[0]!;
    expect(table.DeletionPolicy).toBe("Retain");
    expect(table.Properties?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties?.StreamSpecification).toEqual({ StreamViewType: "NEW_IMAGE" });
    expect(table.Properties?.TimeToLiveSpecification).toEqual({ AttributeName: "expiresAt", Enabled: true });
    expect(table.Properties?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table.Properties?.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    const indexes = ((table.Properties?.GlobalSecondaryIndexes ?? []) as any[]).map((i) => [
      i.IndexName,
      i.KeySchema,
      i.Projection,
    ]);
    expect(indexes).toEqual([
      [
        "gsi1",
        [
          { AttributeName: "gsi1pk", KeyType: "HASH" },
          { AttributeName: "gsi1sk", KeyType: "RANGE" },
        ],
        { ProjectionType: "KEYS_ONLY" },
      ],
      [
        "gsi2",
        [
          { AttributeName: "gsi2pk", KeyType: "HASH" },
          { AttributeName: "gsi2sk", KeyType: "RANGE" },
        ],
        { ProjectionType: "KEYS_ONLY" },
      ],
    ]);
  });

  it("has no public, unencrypted or plain-HTTP bucket, in either stack", () => {
    for (const template of [stateful, stateless]) {
      const buckets = resourcesOf(template, "AWS::S3::Bucket");
      const policies = Object.values(resourcesOf(template, "AWS::S3::BucketPolicy"));
      for (const [id, bucket] of Object.entries(buckets)) {
        expect(bucket.Properties?.PublicAccessBlockConfiguration, id).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        expect(
          bucket.Properties?.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault
            ?.SSEAlgorithm,
          id,
        ).toBe("AES256");
        const policy = policies.find((p) => p.Properties?.Bucket?.Ref === id);
        const denyPlainHttp = (policy?.Properties?.PolicyDocument?.Statement ?? []).some(
          (s: any) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false",
        );
        expect(denyPlainHttp, `${id} enforces TLS`).toBe(true);
        // Only the CloudFront service principal may be granted access by a bucket policy, never "*".
        for (const s of policy?.Properties?.PolicyDocument?.Statement ?? []) {
          if (s.Effect === "Allow") expect(s.Principal, id).not.toEqual({ AWS: "*" });
        }
      }
    }
    expect(Object.keys(resourcesOf(stateful, "AWS::S3::Bucket")).length).toBeGreaterThanOrEqual(4);
  });

  it("versions the objects bucket and logs object and web buckets to the access-log bucket", () => {
    const buckets = Object.values(resourcesOf(stateful, "AWS::S3::Bucket"));
    const objects = buckets.find((b) => JSON.stringify(b.Properties?.BucketName ?? "").includes("orderflow-objects"));
    expect(objects?.Properties?.VersioningConfiguration).toEqual({ Status: "Enabled" });
    const logged = buckets.filter((b) => b.Properties?.LoggingConfiguration?.DestinationBucketName);
    expect(logged.length).toBe(buckets.length - 1);
  });

  it("encrypts the order-events Kinesis stream", () => {
    const streams = Object.values(resourcesOf(stateful, "AWS::Kinesis::Stream"));
    expect(streams).toHaveLength(1);
    expect(streams[0]!.Properties?.StreamEncryption).toEqual({ EncryptionType: "KMS", KeyId: "alias/aws/kinesis" });
  });

  it("encrypts every queue and denies plain HTTP on each", () => {
    const queues = resourcesOf(stateful, "AWS::SQS::Queue");
    const policies = Object.values(resourcesOf(stateful, "AWS::SQS::QueuePolicy"));
    // 10 subscriptions x (queue + DLQ) + 2 stream failure destinations + the agreement events' DLQ.
    expect(Object.keys(queues)).toHaveLength(23);
    for (const [id, queue] of Object.entries(queues)) {
      expect(queue.Properties?.SqsManagedSseEnabled, id).toBe(true);
      const tlsOnly = policies.some(
        (p) =>
          ((p.Properties?.Queues ?? []) as any[]).some((q) => q.Ref === id) &&
          p.Properties?.PolicyDocument?.Statement?.some(
            (s: any) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false",
          ),
      );
      expect(tlsOnly, `${id} enforces TLS`).toBe(true);
    }
  });
});

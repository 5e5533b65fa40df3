import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// The cold-start floor: a Lambda entry that only constructs the two clients every function needs
// (the table and the workflows). bench/cold-start.ts builds it like the real functions.
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }));
const sfn = new SFNClient({ maxAttempts: 3 });

export const handler = async () => ({ clients: [typeof db.send, typeof sfn.send] });

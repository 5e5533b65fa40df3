import { readFileSync } from 'node:fs';
import * as z from 'zod';
import type { Contact, Directory, Person } from '../../channels/directory.ts';

const principal = z.string().min(1).max(128).regex(/^[^\s,]+$/);

/** The shape of `config/directory.local.json`: people, each with the groups they belong to. */
export const DirectoryFileSchema = z
  .object({
    people: z
      .array(
        z
          .object({
            userId: principal,
            name: z.string().max(200).optional(),
            email: z.email().optional(),
            slackUserId: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack member id such as U012AB3CD').optional(),
            groups: z.array(principal).default([]),
            disabled: z.boolean().default(false),
          })
          .strict(),
      )
      .max(10_000),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.people.forEach((person, index) => {
      if (seen.has(person.userId)) ctx.addIssue({ code: 'custom', path: ['people', index, 'userId'], message: `${person.userId} is listed twice` });
      seen.add(person.userId);
    });
  });
export type DirectoryFile = z.input<typeof DirectoryFileSchema>;

/**
 * The local directory: a JSON file of people and their groups, read once. Group membership comes
 * from the file, so local approvers (bob, carol, ...) get emails the same way Cognito members do.
 */
export class LocalDirectory implements Directory {
  private readonly people: Map<string, Person>;

  constructor(file: DirectoryFile) {
    const parsed = DirectoryFileSchema.safeParse(file);
    if (!parsed.success) {
      throw new Error(`invalid directory: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    this.people = new Map(
      parsed.data.people
        .filter((person) => !person.disabled)
        .map(({ disabled: _disabled, ...person }) => [person.userId, person]),
    );
  }

  /** Reads and checks a directory file; names every problem at once. */
  static fromFile(path: string): LocalDirectory {
    return new LocalDirectory(JSON.parse(readFileSync(path, 'utf8')) as DirectoryFile);
  }

  async person(userId: string): Promise<Person | undefined> {
    return this.people.get(userId);
  }

  async membersOf(group: string): Promise<Contact[]> {
    return [...this.people.values()].filter((person) => person.groups.includes(group));
  }
}

/**
 * Building blocks of the canonical contracts. Each is a zod schema (used as is for records that arrive one by
 * one: API pages, config, small files) and carries the metadata from which the bulk check in DuckDB is derived
 * (see to-sql.ts), so that the two cannot drift apart.
 */
import { z } from "zod";

/** An identifier: agent, ticket, response. Letters and digits first; no spaces, quotes or markup. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/#@+-]*$/)
  .meta({ patternMessage: "an id must start with a letter or digit and hold only letters, digits and . _ : / # @ + -" });

/** A name shown on the boards (agent, team). No markup and no leading spreadsheet-formula character. */
export const DisplayName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^<>=+@\t\r\n-][^<>\t\r\n]*$/)
  .meta({
    patternMessage: "a name shown on the boards must not contain < or >, tabs or line breaks, nor start with = + - @ (spreadsheet formula)",
  });

/** Free text that is stored but never published (subjects, comments, titles). */
export const PrivateText = (max = 10_000) => z.string().max(max).meta({ private: true });

/** A point in time: ISO 8601 with or without offset; without one it is read in the department's time zone. */
export const Timestamp = z.iso.datetime({ offset: true, local: true }).meta({ kind: "timestamp" });

/** A calendar date. */
export const DateOnly = z.iso.date().meta({ kind: "date" });

/** A quarter label like 2026-Q3. */
export const Quarter = z
  .string()
  .regex(/^\d{4}-Q[1-4]$/)
  .meta({ patternMessage: "expected a quarter like 2026-Q3" });

export const Count = z.int().min(0).max(100_000);

export type FieldKind = "string" | "integer" | "number" | "boolean" | "timestamp" | "date" | "enum";

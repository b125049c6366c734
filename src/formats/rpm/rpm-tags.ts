/**
 * RPM header tag numbers, entry types and dependency sense bits this project reads. Numbers checked
 * against rpm-software-management/rpm include/rpm/rpmtag.h and include/rpm/rpmds.h.
 */

export const RpmTag = {
  HEADERIMMUTABLE: 63,
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  ARCH: 1022,

  PREIN: 1023,
  POSTIN: 1024,
  PREUN: 1025,
  POSTUN: 1026,
  PREINPROG: 1085,
  POSTINPROG: 1086,
  PREUNPROG: 1087,
  POSTUNPROG: 1088,
  PREINFLAGS: 5020,
  POSTINFLAGS: 5021,
  PREUNFLAGS: 5022,
  POSTUNFLAGS: 5023,
  PRETRANS: 1151,
  POSTTRANS: 1152,
  PRETRANSPROG: 1153,
  POSTTRANSPROG: 1154,
  PRETRANSFLAGS: 5024,
  POSTTRANSFLAGS: 5025,
  VERIFYSCRIPT: 1079,
  VERIFYSCRIPTPROG: 1091,
  VERIFYSCRIPTFLAGS: 5026,
  PREUNTRANS: 5103,
  POSTUNTRANS: 5104,
  PREUNTRANSPROG: 5105,
  POSTUNTRANSPROG: 5106,
  PREUNTRANSFLAGS: 5107,
  POSTUNTRANSFLAGS: 5108,

  PROVIDENAME: 1047,
  REQUIREFLAGS: 1048,
  REQUIRENAME: 1049,
  REQUIREVERSION: 1050,
  PROVIDEFLAGS: 1112,
  PROVIDEVERSION: 1113,

  /* Package triggers: one script per index; conditions point at their script through TRIGGERINDEX. */
  TRIGGERSCRIPTS: 1065,
  TRIGGERNAME: 1066,
  TRIGGERVERSION: 1067,
  TRIGGERFLAGS: 1068,
  TRIGGERINDEX: 1069,
  TRIGGERSCRIPTPROG: 1092,
  TRIGGERSCRIPTFLAGS: 5027,

  /* File triggers: same layout; NAME holds the path prefix; PRIORITIES is per script. */
  FILETRIGGERSCRIPTS: 5066,
  FILETRIGGERSCRIPTPROG: 5067,
  FILETRIGGERSCRIPTFLAGS: 5068,
  FILETRIGGERNAME: 5069,
  FILETRIGGERINDEX: 5070,
  FILETRIGGERVERSION: 5071,
  FILETRIGGERFLAGS: 5072,
  FILETRIGGERPRIORITIES: 5084,

  TRANSFILETRIGGERSCRIPTS: 5076,
  TRANSFILETRIGGERSCRIPTPROG: 5077,
  TRANSFILETRIGGERSCRIPTFLAGS: 5078,
  TRANSFILETRIGGERNAME: 5079,
  TRANSFILETRIGGERINDEX: 5080,
  TRANSFILETRIGGERVERSION: 5081,
  TRANSFILETRIGGERFLAGS: 5082,
  TRANSFILETRIGGERPRIORITIES: 5085,

  /**
   * An extension tag in rpm >= 4.19: rpm computes it from `user(...)`, `group(...)` and
   * `groupmember(...)` provides whose version is a base64 sysusers.d line. Packages do not normally
   * store it; a stored one is read as a string array.
   */
  SYSUSERS: 5109,
} as const;

export type RpmTagName = keyof typeof RpmTag;

const tagNames: ReadonlyMap<number, RpmTagName> = new Map(
  (Object.entries(RpmTag) as [RpmTagName, number][]).map(([name, value]) => [value, name]),
);

/** Name of a known tag, or its number, for messages. */
export function rpmTagLabel(tag: number): string {
  return tagNames.get(tag) ?? `tag ${tag}`;
}

/** Header entry data types (rpmtag.h rpmTagType_e). */
export const RpmType = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;

export type RpmTypeCode = (typeof RpmType)[keyof typeof RpmType];

/** Dependency sense bits (rpmds.h rpmsenseFlags_e). */
export const RpmSense = {
  LESS: 1 << 1,
  GREATER: 1 << 2,
  EQUAL: 1 << 3,
  POSTTRANS: 1 << 5,
  PREREQ: 1 << 6,
  PRETRANS: 1 << 7,
  SCRIPT_PRE: 1 << 9,
  SCRIPT_POST: 1 << 10,
  TRIGGERIN: 1 << 16,
  TRIGGERUN: 1 << 17,
  TRIGGERPOSTUN: 1 << 18,
  RPMLIB: 1 << 24,
  TRIGGERPREIN: 1 << 25,
} as const;

/** rpmtriggers.hh RPMTRIGGER_DEFAULT_PRIORITY: file triggers without `-P`. */
export const DEFAULT_FILE_TRIGGER_PRIORITY = 1000000;

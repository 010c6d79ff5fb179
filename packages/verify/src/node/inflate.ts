// FlateDecode for the exhibit reader (core/exhibit-pdf.ts) on Node: zlib's
// inflate, stopped by zlib itself beyond the bytes the reader allows (a
// decompression bomb never reaches memory).
import { constants } from 'node:buffer';
import { inflateSync } from 'node:zlib';
import type { Inflate } from '../core/index.js';

export const nodeInflate: Inflate = (data, maxLength) => inflateSync(data, { maxOutputLength: Math.max(1, Math.min(maxLength, constants.MAX_LENGTH)) });

#!/usr/bin/env -S node --max-semi-space-size=1 --max-old-space-size=128
// The V8 heap settings above keep resident memory low (see README, "Memory").
import '../dist/main.js';

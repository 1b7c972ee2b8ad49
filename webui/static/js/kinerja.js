// Kinerja: behaviour shared by every page (no inline script: the CSP forbids it).
"use strict";

// The peer for the sync benchmark: a CouchDB-compatible server (express-pouchdb on an in-memory
// PouchDB) on loopback, which also serves the PouchDB browser page from the same origin so no
// CORS is involved. Dev-only: never part of the app.
//   node bench/couch_server.js PORT PAGES_DIR POUCH_DIST_DIR
"use strict";
const express = require("express");
const PouchDB = require("pouchdb").plugin(require("pouchdb-adapter-memory"));
const expressPouchDB = require("express-pouchdb");

const [port, pages, dist] = process.argv.slice(2);
const MemPouch = PouchDB.defaults({ adapter: "memory" });
const app = express();
app.use("/bench", express.static(pages));
app.use("/pouchdb", express.static(dist));
app.use("/db", expressPouchDB(MemPouch, { mode: "minimumForPouchDB", inMemoryConfig: true, logPath: "/dev/null" }));
app.listen(Number(port), "127.0.0.1", () => console.log(`couch listening on ${port}`));

# doc: manual pages and the protocol reference.
dist_man_MANS += doc/chatd.8 doc/chatd.conf.5
dist_doc_DATA += doc/PROTOCOL.md README.md

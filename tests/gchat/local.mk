# tests/gchat

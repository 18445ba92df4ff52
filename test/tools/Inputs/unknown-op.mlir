effnet.frobnicate

# gchat

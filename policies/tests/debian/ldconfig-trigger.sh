activate-noawait ldconfig

# Triggers added by dh_makeshlibs
interest-noawait /usr/share/man
interest-noawait man-db

-- Each service owns its database.
CREATE DATABASE blocs OWNER tdkt;
CREATE DATABASE honours OWNER tdkt;
CREATE DATABASE movements OWNER tdkt;
CREATE DATABASE nominations OWNER tdkt;

console.log('diffgraph cli placeholder');
